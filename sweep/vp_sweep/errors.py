"""The errors vp-sweep reports, with their exit codes (vp-run's: 1 run, 2 usage or input)."""

EXIT_OK = 0
EXIT_FAILED_RUNS = 1
EXIT_USAGE = 2


class SweepError(Exception):
    """Bad input or an unusable environment: reported as is, exit 2, nothing written."""

    def __init__(self, message, where=None):
        super().__init__(message)
        self.where = where  # "file:line:column" or None

    def __str__(self):
        text = super().__str__()
        return f"{self.where}: error: {text}" if self.where else f"error: {text}"
