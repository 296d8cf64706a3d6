# GoToMyPC: allow outbound TCP 80, 443 and 8200 to the GoTo ranges.
# Made by g2probe rules --format windows from the 10 current ranges on GoTo's "Firewalls and
# GoToMyPC" page.
# Run it in an elevated PowerShell (Windows 8 or Server 2012 and later). The rules matter where
# outbound connections are blocked by default; Windows Firewall is stateful: replies need no rule.
# Running it again replaces this rule (named GoToMyPC-g2probe, in the group GoToMyPC).
$ErrorActionPreference = 'Stop'
Remove-NetFirewallRule -Name 'GoToMyPC-g2probe' -ErrorAction SilentlyContinue
New-NetFirewallRule -Name 'GoToMyPC-g2probe' -DisplayName 'GoToMyPC' -Group 'GoToMyPC' -Direction Outbound -Action Allow -Protocol TCP -RemotePort 80, 443, 8200 -RemoteAddress '23.239.228.0/22', '23.239.232.0/23', '23.239.234.0/23', '23.239.236.0/23', '67.217.64.0/19', '68.64.0.0/19', '78.108.112.0/20', '173.199.0.0/18', '202.173.24.0/21', '216.115.208.0/20'
