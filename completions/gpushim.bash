# bash completion for gpushim(1). Installed as
# PREFIX/share/bash-completion/completions/gpushim.
# shellcheck disable=SC2207  # COMPREPLY=($(compgen ...)) is the bash-completion idiom
_gpushim()
{
	local cur prev cmd i
	COMPREPLY=()
	cur=${COMP_WORDS[COMP_CWORD]}
	prev=${COMP_WORDS[COMP_CWORD-1]}
	cmd=${COMP_WORDS[1]}

	if [ "$COMP_CWORD" -eq 1 ]; then
		COMPREPLY=($(compgen -W 'run collect report diff --help --version' -- "$cur"))
		return
	fi
	# after "run ... --" complete CMD as a command and then its own arguments
	if [ "$cmd" = run ]; then
		for ((i = 2; i < COMP_CWORD; i++)); do
			if [ "${COMP_WORDS[i]}" = -- ]; then
				if [ $((i + 1)) -eq "$COMP_CWORD" ]; then
					COMPREPLY=($(compgen -c -- "$cur"))
				else
					COMPREPLY=($(compgen -f -- "$cur"))
				fi
				return
			fi
		done
	fi
	case $prev in
	-o|--output|--save|--baseline|--check|--junit|--shim|--fifo)
		COMPREPLY=($(compgen -f -- "$cur")); return ;;
	--grace) return ;;
	--ignore)
		COMPREPLY=($(compgen -W 'path build-id soname version driver argv rc loads' -- "$cur")); return ;;
	--allow)
		COMPREPLY=($(compgen -W 'exact patch minor any libcudnn= libcudart= libcuda= libnvidia-ml= kernel=' -- "$cur")); return ;;
	esac
	case $cur in
	--color=*|--colour=*)
		COMPREPLY=($(compgen -P "${cur%%=*}=" -W 'never always auto' -- "${cur#*=}")); return ;;
	--syslog=*)
		COMPREPLY=($(compgen -P '--syslog=' -W 'daemon user local0 local1 local2 local3 local4 local5 local6 local7' -- "${cur#*=}")); return ;;
	esac
	local common='-o --output --json -v --verbose --stacks --color= --colour= --help'
	local opts
	case $cmd in
	run) opts="$common --save --grace --shim -q --quiet --baseline --check --ignore --allow --junit --" ;;
	collect) opts="$common --save --fifo -q --quiet --syslog --syslog= --forget" ;;
	report) opts="$common" ;;
	diff) opts="$common --ignore --allow --junit" ;;
	*) return ;;
	esac
	if [[ $cur == -* ]]; then
		COMPREPLY=($(compgen -W "$opts" -- "$cur"))
		[[ ${COMPREPLY[0]} == *= ]] && compopt -o nospace 2>/dev/null
	else
		COMPREPLY=($(compgen -f -- "$cur"))
	fi
}
complete -F _gpushim gpushim
