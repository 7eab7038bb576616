# ~/.bash_profile: login shells

# aliases and functions
if [ -f ~/.bashrc ]; then
	. ~/.bashrc
fi

# user environment and start-up programs
PATH=$PATH:$HOME/.local/bin:$HOME/bin

export PATH
