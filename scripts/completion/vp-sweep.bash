# bash completion for vp-sweep (installed to share/bash-completion/completions/;
# in a checkout: source this file). Options come from vp-sweep's own --help per
# subcommand; --metric, --x, --series and --where offer the columns of the
# results.csv named on the line, so nothing here lists them twice.

_vp_sweep_csv_columns() {  # the header of the results.csv behind a sweep folder or CSV
  local src=$1 csv
  if [ -d "$src" ]; then csv=$src/results.csv; else csv=$src; fi
  [ -f "$csv" ] && head -n1 "$csv" | tr ',' '\n'
}

_vp_sweep() {
  local cur prev tool sub src i
  cur=${COMP_WORDS[COMP_CWORD]}
  prev=${COMP_WORDS[COMP_CWORD-1]}
  tool=${COMP_WORDS[0]}
  sub=""; src=""
  for ((i = 1; i < COMP_CWORD; i++)); do
    case "${COMP_WORDS[i]}" in
      status|plot|collect) [ -z "$sub" ] && sub=${COMP_WORDS[i]} ;;
      -*) ;;
      *) case "${COMP_WORDS[i-1]}" in -*) ;; *) [ -z "$src" ] && src=${COMP_WORDS[i]} ;; esac ;;
    esac
  done
  case "$prev" in
    --backend)
      COMPREPLY=($(compgen -W "local slurm" -- "$cur")); return ;;
    --metric|-m|--x|--series)
      COMPREPLY=($(compgen -W "$(_vp_sweep_csv_columns "$src")" -- "$cur")); return ;;
    --where)
      COMPREPLY=($(compgen -S = -W "$(_vp_sweep_csv_columns "$src")" -- "$cur"))
      compopt -o nospace 2>/dev/null; return ;;
    --vp-run)
      COMPREPLY=($(compgen -c -- "$cur") $(compgen -f -- "$cur")); return ;;
    -o|--out)
      COMPREPLY=($(compgen -f -- "$cur")); return ;;
    -j|--jobs|--only|--run-timeout|--partition|--time|--mem|--cpus-per-task|--account|\
    --max-parallel|--sbatch-option|--wait-timeout|--title)
      return ;;
  esac
  if [[ "$cur" == -* ]]; then
    local opts
    if [ -n "$sub" ]; then
      opts=$("$tool" "$sub" --help 2>/dev/null | grep -oE -- '--[a-z][a-z0-9-]*' | sort -u)
    else
      opts=$("$tool" spec.yaml --help 2>/dev/null | grep -oE -- '--[a-z][a-z0-9-]*' | sort -u)
    fi
    COMPREPLY=($(compgen -W "$opts" -- "$cur"))
    return
  fi
  if [ -z "$sub" ] && [ -z "$src" ]; then
    COMPREPLY=($(compgen -W "status plot collect" -- "$cur") $(compgen -f -X '!*.yaml' -- "$cur") $(compgen -d -- "$cur"))
  elif [ -z "$src" ]; then
    COMPREPLY=($(compgen -f -- "$cur"))
  fi
}

complete -F _vp_sweep vp-sweep
