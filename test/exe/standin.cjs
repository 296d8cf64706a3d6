// A stand-in for netsh.exe, reg.exe and powershell.exe under Wine, built into a Windows executable by the Wine test
// (libuv cannot start a Unix program there). It prints what a real Windows printed, recorded in
// fixtures/windows, chosen by its own file name and arguments; anything else fails as the real tool would.
const { readFileSync } = require('node:fs');
const path = require('node:path');

const dir = process.env.G2PROBE_STANDIN_FIXTURES;
const tool = path.win32.basename(process.execPath).toLowerCase();
const args = process.argv.slice(2).join(' ');
// Which WinINet recording reg prints: the PAC one, or `lab` (a fixed proxy on loopback).
const wininet = process.env.G2PROBE_STANDIN_WININET || 'pac';
const RECORDED = {
  'netsh.exe': {
    'advfirewall firewall show rule name=all verbose': 'netsh-advfirewall-rules.txt',
    'advfirewall show allprofiles': 'netsh-advfirewall-allprofiles.txt',
    'winhttp show proxy': 'netsh-winhttp-direct.txt',
  },
  'reg.exe': {
    'query HKCU\\Software\\Microsoft\\Windows\\CurrentVersion\\Internet Settings': `../proxy/reg-internet-settings-${wininet}.txt`,
    'query HKCU\\Software\\Microsoft\\Windows\\CurrentVersion\\Internet Settings\\Connections': `../proxy/reg-connections-${wininet}.txt`,
    // The machine's WinHTTP proxy, where WinHTTP keeps it: direct (Microsoft's own value for it).
    'query HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Internet Settings\\Connections': 'reg-winhttp-direct.txt',
  },
};
const file = tool === 'powershell.exe' ? process.env.G2PROBE_STANDIN_POWERSHELL : RECORDED[tool]?.[args];
if (!dir || !file) {
  process.stderr.write(`stand-in ${tool}: nothing recorded for ${JSON.stringify(args)}\n`);
  process.exit(1);
}
process.stdout.write(readFileSync(path.win32.join(dir, file)));
