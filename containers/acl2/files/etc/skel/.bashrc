# ~/.bashrc

# system-wide definitions
if [ -f /etc/bashrc ]; then
	. /etc/bashrc
fi

# user aliases and functions below
