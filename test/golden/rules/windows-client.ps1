# GoToMyPC: allow outbound TCP to the GoTo ranges, each on the ports it is documented for (443 to 4
# ranges; 80, 443 and 8200 to 6 ranges), for the GoToMyPC programs of a client PC.
# Made by g2probe rules --format windows from the 10 ranges of GoTo's current lists (GoTo Meeting's
# servers on 443; six of them also on the Citrix Online list for GoToMyPC, with 80 and 8200).
#
# These rules allow addresses only. GoToMyPC also connects to these names, whose addresses are
# outside the ranges these rules open, or may be: allow them by name, on a web proxy (a domain
# allow-list) or a next-generation firewall (FQDN objects, which follow the addresses as they
# change). An address rule made from a lookup today goes stale.
#   poll.gotomypc.com, TCP 80 and 443 (GoToMyPC does not work without it): may be outside: the one
#     address published for it, 66.151.158.177 (an old Snort rule, sid 1429, and the LOLRMM
#     catalogue), is not in these ranges, and its address now is unknown.
#   www.gotomypc.com, TCP 80 and 443 (GoToMyPC does not work without it): may be outside: no public
#     source gives its addresses.
#   get.gotomypc.com, TCP 443: may be outside: no public source gives its addresses.
#   authentication.logmeininc.com, TCP 443: may be outside: no public source gives its addresses.
#   logging.getgo.com, TCP 443: outside: GoTo's domain allow-list puts *.getgo.com in AWS and OCI.
#   launch.getgo.com, TCP 443: outside: GoTo's domain allow-list puts *.getgo.com in AWS and OCI.
#   api-telemetry.servers.getgo.com, TCP 443: outside: GoTo's domain allow-list puts *.getgo.com in
#     AWS and OCI.
#
# Run it in an elevated PowerShell (Windows 8 or Server 2012 and later). The rules matter where
# outbound connections are blocked by default; Windows Firewall is stateful: replies need no rule.
# Running it again replaces these rules (named GoToMyPC-g2probe-client-*, in the group GoToMyPC).
$ErrorActionPreference = 'Stop'
# The programs' folder: check it (in Task Manager, right-click one, Open file location).
$GoToMyPCDir = "${env:ProgramFiles(x86)}\GoToMyPC"
Remove-NetFirewallRule -Name 'GoToMyPC-g2probe-client-*' -ErrorAction SilentlyContinue
New-NetFirewallRule -Name 'GoToMyPC-g2probe-client-g2viewer.exe-tcp443' -DisplayName 'GoToMyPC (g2viewer.exe, TCP 443)' -Group 'GoToMyPC' -Direction Outbound -Action Allow -Protocol TCP -RemotePort 443 -RemoteAddress '23.239.228.0/22', '23.239.232.0/23', '23.239.234.0/23', '23.239.236.0/23' -Program (Join-Path $GoToMyPCDir 'g2viewer.exe')
New-NetFirewallRule -Name 'GoToMyPC-g2probe-client-g2viewer.exe-tcp80_443_8200' -DisplayName 'GoToMyPC (g2viewer.exe, TCP 80, 443, 8200)' -Group 'GoToMyPC' -Direction Outbound -Action Allow -Protocol TCP -RemotePort 80, 443, 8200 -RemoteAddress '67.217.64.0/19', '68.64.0.0/19', '78.108.112.0/20', '173.199.0.0/18', '202.173.24.0/21', '216.115.208.0/20' -Program (Join-Path $GoToMyPCDir 'g2viewer.exe')
