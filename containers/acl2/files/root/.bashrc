# ~/.bashrc

# system-wide definitions
if [ -f /etc/bashrc ]; then
	. /etc/bashrc
fi

# user aliases and functions below
alias rm='rm -i'
alias cp='cp -i'
alias mv='mv -i'
