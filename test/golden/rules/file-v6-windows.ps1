# GoToMyPC: allow outbound TCP to the GoTo ranges, each on the ports it is documented for (80, 443
# and 8200 to 3 ranges).
# Made by g2probe rules --format windows from the 3 ranges in "fixtures/loopback-rules.txt".
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
#   logging.getgo.com, TCP 443: may be outside: GoTo's domain allow-list puts *.getgo.com in AWS and
#     OCI.
#   launch.getgo.com, TCP 443: may be outside: GoTo's domain allow-list puts *.getgo.com in AWS and
#     OCI.
#   api-telemetry.servers.getgo.com, TCP 443: may be outside: GoTo's domain allow-list puts
#     *.getgo.com in AWS and OCI.
#
# Run it in an elevated PowerShell (Windows 8 or Server 2012 and later). The rules matter where
# outbound connections are blocked by default; Windows Firewall is stateful: replies need no rule.
# Running it again replaces this rule (named GoToMyPC-g2probe, in the group GoToMyPC).
$ErrorActionPreference = 'Stop'
Remove-NetFirewallRule -Name 'GoToMyPC-g2probe' -ErrorAction SilentlyContinue
New-NetFirewallRule -Name 'GoToMyPC-g2probe' -DisplayName 'GoToMyPC' -Group 'GoToMyPC' -Direction Outbound -Action Allow -Protocol TCP -RemotePort 80, 443, 8200 -RemoteAddress '127.0.0.1/32', '127.0.0.2/32', '::1/128'
