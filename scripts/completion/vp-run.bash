# bash completion for vp-run and vp-map (installed to
# share/bash-completion/completions/; in a checkout: source this file).
# Options come from the tool's own --help, platforms from --list-platforms,
# networks from the built-in networks' folder beside the installed tool (or
# the checkout's mapping/networks), so nothing here lists them twice.

_mpaimc_vp_networks() {
  local tool dir
  tool=$(command -v "$1" 2>/dev/null) || return
  tool=$(readlink -f "$tool")
  for dir in "$(dirname "$tool")/../share/mpaimc-vp/networks" "$(dirname "$tool")/../../mapping/networks"; do
    if [ -d "$dir" ]; then
      (cd "$dir" && for f in *.yaml; do echo "${f%.yaml}"; done)
      return
    fi
  done
}

_mpaimc_vp() {
  local cur prev tool
  cur=${COMP_WORDS[COMP_CWORD]}
  prev=${COMP_WORDS[COMP_CWORD-1]}
  tool=${COMP_WORDS[0]}
  case "$prev" in
    --platform|-p)
      COMPREPLY=($(compgen -W "$("$tool" --list-platforms 2>/dev/null)" -- "$cur") $(compgen -f -X '!*.yaml' -- "$cur"))
      return ;;
    --network|-n)
      COMPREPLY=($(compgen -W "$(_mpaimc_vp_networks "$tool")" -- "$cur") $(compgen -f -X '!*.yaml' -- "$cur"))
      return ;;
    --mapping-mode|--mode|-m)
      COMPREPLY=($(compgen -W "naive replicate full auto" -- "$cur"))
      return ;;
    --elf|-e|--stats|--timeline|--vcd|--fst|--gtkw|--itrace|--breakdown|--breakdown-png|--pipeline-png|--calibrate|--signature|--weights|\
    --weights-out|--out-yaml|--out-bin|--report|--report-json|--ref-out)
      COMPREPLY=($(compgen -f -- "$cur"))
      return ;;
  esac
  if [[ "$cur" == -* ]]; then
    local opts
    opts=$("$tool" --help 2>/dev/null | grep -oE -- '--[a-z][a-z0-9-]*' | sort -u)
    COMPREPLY=($(compgen -W "$opts" -- "$cur"))
  fi
}

complete -F _mpaimc_vp vp-run vp-map
