#!/bin/sh
# GoToMyPC: allow outbound TCP to the GoTo ranges, each on the ports it is documented for (443 to 4
# ranges; 80, 443 and 8200 to 6 ranges).
# Made by g2probe rules --format iptables from the 10 ranges of GoTo's current lists (GoTo Meeting's
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
# Replies need the stateful rule that any stateful policy has:
#   iptables -A INPUT -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT
# Run as root: sh -e FILE, or pipe it to sh -e. Running it again replaces the rules of the GOTOMYPC
# chain and keeps a single jump to it at the top of OUTPUT. The rules last until reboot: save them
# with iptables-save (or netfilter-persistent save). To remove them:
#   iptables -D OUTPUT -j GOTOMYPC && iptables -F GOTOMYPC && iptables -X GOTOMYPC
set -e

iptables -N GOTOMYPC 2>/dev/null || iptables -F GOTOMYPC
iptables -A GOTOMYPC -d 23.239.228.0/22 -p tcp -m multiport --dports 443 -j ACCEPT
iptables -A GOTOMYPC -d 23.239.232.0/23 -p tcp -m multiport --dports 443 -j ACCEPT
iptables -A GOTOMYPC -d 23.239.234.0/23 -p tcp -m multiport --dports 443 -j ACCEPT
iptables -A GOTOMYPC -d 23.239.236.0/23 -p tcp -m multiport --dports 443 -j ACCEPT
iptables -A GOTOMYPC -d 67.217.64.0/19 -p tcp -m multiport --dports 80,443,8200 -j ACCEPT
iptables -A GOTOMYPC -d 68.64.0.0/19 -p tcp -m multiport --dports 80,443,8200 -j ACCEPT
iptables -A GOTOMYPC -d 78.108.112.0/20 -p tcp -m multiport --dports 80,443,8200 -j ACCEPT
iptables -A GOTOMYPC -d 173.199.0.0/18 -p tcp -m multiport --dports 80,443,8200 -j ACCEPT
iptables -A GOTOMYPC -d 202.173.24.0/21 -p tcp -m multiport --dports 80,443,8200 -j ACCEPT
iptables -A GOTOMYPC -d 216.115.208.0/20 -p tcp -m multiport --dports 80,443,8200 -j ACCEPT
iptables -C OUTPUT -j GOTOMYPC 2>/dev/null || iptables -I OUTPUT -j GOTOMYPC
