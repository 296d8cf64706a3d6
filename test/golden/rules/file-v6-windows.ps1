# GoToMyPC: allow outbound TCP to the GoTo ranges, each on the ports it is documented for (80, 443
# and 8200 to 3 ranges).
# Made by g2probe rules --format windows from the 3 ranges in "fixtures/loopback-rules.txt".
# Run it in an elevated PowerShell (Windows 8 or Server 2012 and later). The rules matter where
# outbound connections are blocked by default; Windows Firewall is stateful: replies need no rule.
# Running it again replaces this rule (named GoToMyPC-g2probe, in the group GoToMyPC).
$ErrorActionPreference = 'Stop'
Remove-NetFirewallRule -Name 'GoToMyPC-g2probe' -ErrorAction SilentlyContinue
New-NetFirewallRule -Name 'GoToMyPC-g2probe' -DisplayName 'GoToMyPC' -Group 'GoToMyPC' -Direction Outbound -Action Allow -Protocol TCP -RemotePort 80, 443, 8200 -RemoteAddress '127.0.0.1/32', '127.0.0.2/32', '::1/128'
