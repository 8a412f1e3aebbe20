class GridlineError(Exception):
    """Base of every error our domain raises on purpose.

    `code` is the stable machine-readable name the API returns as "error"; `status` is the
    HTTP status an API maps it to.
    """

    code = "error"
    status = 400

    def __init__(self, detail: str):
        super().__init__(detail)
        self.detail = detail
