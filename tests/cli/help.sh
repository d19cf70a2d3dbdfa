. "$(dirname "$0")/lib.sh"
expect_exit 0 "$VP" --help
expect_in "--platform" "$STDOUT"; expect_in "--set" "$STDOUT"; expect_in "Exit codes" "$STDOUT"
expect_in "Examples" "$STDOUT"
expect_exit 0 "$VP" --version
expect_in "vp-run" "$STDOUT"
expect_exit 0 "$VP" --list-platforms
expect_in "mpaimc-512" "$STDOUT"; expect_in "bare-rv32" "$STDOUT"
expect_exit 2 "$VP" --no-such-option
expect_in "no-such-option" "$STDERR"
echo "help-and-version ok"
