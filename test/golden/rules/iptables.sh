#!/bin/sh
# GoToMyPC: allow outbound TCP to the GoTo ranges, each on the ports it is documented for (443 to 4
# ranges; 80, 443 and 8200 to 6 ranges).
# Made by g2probe rules --format iptables from the 10 ranges of GoTo's current lists (GoTo Meeting's
# servers on 443; six of them also on the Citrix Online list for GoToMyPC, with 80 and 8200).
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
