// From GoTo's "Firewalls and GoToMyPC" page (shared/seed/gotomypc-firewalls.txt): the programs a
// firewall must admit outbound on TCP 80, 443 and 8200.
import type { Role } from '../core/types.js';

export interface ExecutableList {
  primary: readonly string[];
  additional: readonly string[];
}

export const EXECUTABLES: Record<Role, ExecutableList> = {
  host: {
    primary: ['g2comm.exe', 'g2fileh.exe', 'g2host.exe', 'g2mainh.exe', 'g2printh.exe', 'g2svc.exe', 'g2tray.exe', 'gopcsrv.exe'],
    // g2vistahelper.exe appears only in the page's step-by-step list, not its table; a firewall must admit it all the same.
    additional: ['g2audioh.exe', 'g2pre.exe', 'G2ProcessFactory.exe', 'g2vistahelper.exe'],
  },
  client: {
    primary: ['g2viewer.exe'],
    additional: [],
  },
};
