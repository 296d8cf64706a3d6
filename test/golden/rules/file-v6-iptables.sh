#!/bin/sh
# GoToMyPC: allow outbound TCP to the GoTo ranges, each on the ports it is documented for (80, 443
# and 8200 to 3 ranges).
# Made by g2probe rules --format iptables from the 3 ranges in "fixtures/loopback-rules.txt".
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
# Replies need the stateful rule that any stateful policy has:
#   iptables -A INPUT -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT
#   ip6tables -A INPUT -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT
# Run as root: sh -e FILE, or pipe it to sh -e. Running it again replaces the rules of the GOTOMYPC
# chain and keeps a single jump to it at the top of OUTPUT. The rules last until reboot: save them
# with iptables-save (or netfilter-persistent save). To remove them:
#   iptables -D OUTPUT -j GOTOMYPC && iptables -F GOTOMYPC && iptables -X GOTOMYPC
#   ip6tables -D OUTPUT -j GOTOMYPC && ip6tables -F GOTOMYPC && ip6tables -X GOTOMYPC
set -e

iptables -N GOTOMYPC 2>/dev/null || iptables -F GOTOMYPC
iptables -A GOTOMYPC -d 127.0.0.1/32 -p tcp -m multiport --dports 80,443,8200 -j ACCEPT
iptables -A GOTOMYPC -d 127.0.0.2/32 -p tcp -m multiport --dports 80,443,8200 -j ACCEPT
iptables -C OUTPUT -j GOTOMYPC 2>/dev/null || iptables -I OUTPUT -j GOTOMYPC

ip6tables -N GOTOMYPC 2>/dev/null || ip6tables -F GOTOMYPC
ip6tables -A GOTOMYPC -d ::1/128 -p tcp -m multiport --dports 80,443,8200 -j ACCEPT
ip6tables -C OUTPUT -j GOTOMYPC 2>/dev/null || ip6tables -I OUTPUT -j GOTOMYPC
