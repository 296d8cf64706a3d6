# GoToMyPC: allow outbound TCP to the GoTo ranges, each on the ports it is documented for (443 to 4
# ranges; 80, 443 and 8200 to 6 ranges).
# Made by g2probe rules --format windows from the 10 ranges of GoTo's current lists (GoTo Meeting's
# servers on 443; six of them also on the Citrix Online list for GoToMyPC, with 80 and 8200).
# Run it in an elevated PowerShell (Windows 8 or Server 2012 and later). The rules matter where
# outbound connections are blocked by default; Windows Firewall is stateful: replies need no rule.
# Running it again replaces these rules (named GoToMyPC-g2probe-tcp*, in the group GoToMyPC).
$ErrorActionPreference = 'Stop'
Remove-NetFirewallRule -Name 'GoToMyPC-g2probe', 'GoToMyPC-g2probe-tcp*' -ErrorAction SilentlyContinue
New-NetFirewallRule -Name 'GoToMyPC-g2probe-tcp443' -DisplayName 'GoToMyPC (TCP 443)' -Group 'GoToMyPC' -Direction Outbound -Action Allow -Protocol TCP -RemotePort 443 -RemoteAddress '23.239.228.0/22', '23.239.232.0/23', '23.239.234.0/23', '23.239.236.0/23'
New-NetFirewallRule -Name 'GoToMyPC-g2probe-tcp80_443_8200' -DisplayName 'GoToMyPC (TCP 80, 443, 8200)' -Group 'GoToMyPC' -Direction Outbound -Action Allow -Protocol TCP -RemotePort 80, 443, 8200 -RemoteAddress '67.217.64.0/19', '68.64.0.0/19', '78.108.112.0/20', '173.199.0.0/18', '202.173.24.0/21', '216.115.208.0/20'
