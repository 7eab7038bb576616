# .cshrc

alias rm 'rm -i'
alias cp 'cp -i'
alias mv 'mv -i'

setenv PATH "/usr/local/sbin:/usr/local/bin:/sbin:/bin:/usr/sbin:/usr/bin:/root/bin"
