"""Import from Web URL: a CSV, Parquet or JSON file over http(s), with a size cap, a timeout and
every redirect checked again (no file://, ftp://, link-local or cloud-metadata addresses)."""
from __future__ import annotations

from urllib.parse import urlsplit

from .base import CATEGORIES, NodeError, NodeType, Port
from .common import OPEN_TABLE, reported, uncached
from .params import Bool, Choice, Float, String
from .schema import PortType

__all__ = ["ImportFromWebUrl", "NODE_TYPES"]


def check_scheme(url: str) -> None:
    """Before running: only http and https URLs with a host."""
    try:
        parts = urlsplit(url)
    except ValueError as exc:
        raise NodeError(f"{url!r} is not a valid URL: {exc}.", param="url") from None
    if parts.scheme.lower() not in ("http", "https"):
        raise NodeError(f"Only http and https URLs can be imported, not "
                        f"{parts.scheme + '://' if parts.scheme else 'a URL without a scheme'} "
                        f"({url!r}).", "Use an http:// or https:// address; for local files use "
                        "Import CSV, Import Parquet or Import Excel.", param="url")
    if not parts.hostname:
        raise NodeError(f"The URL {url!r} has no host.", param="url")


class ImportFromWebUrl(NodeType):
    type_id = "import_from_web_url"
    title = "Import from Web URL"
    category = CATEGORIES[0]
    doc = ("Downloads a CSV, Parquet or JSON (records) file over http or https and reads it. "
           "At most max_megabytes are read within timeout_seconds; redirects (at most 5) are "
           "checked again; link-local and cloud-metadata addresses (169.254.x.x) are refused. "
           "The final URL is written to the node's log. Runs only once its URL is trusted on "
           "this computer: the designer asks when you press Run, or use `mlwire trust FILE`.")
    outputs = (Port("data", PortType.TABLE, "The downloaded rows."),)
    params = (
        String("url", doc="The http:// or https:// address of the file.", allow_empty=False),
        Choice("format", "csv", "The file's format.", options=("csv", "parquet", "json")),
        String("separator", ",", "The CSV field separator.", allow_empty=False),
        Float("max_megabytes", 100.0, "Refuse files larger than this.", low=0.0, high=10_000.0,
              closed="right"),
        Float("timeout_seconds", 60.0, "Give up after this many seconds.", low=0.0,
              high=3600.0, closed="right"),
        Bool("use_cached_results", False, "Reuse the rows of an earlier run with the same "
                                          "settings instead of downloading again."),
    )
    trust_params = ("url",)

    def needs_trust(self, params, base_dir) -> bool:
        return True

    def fingerprint(self, params, ctx):
        return None if params.get("use_cached_results") else uncached()

    def infer(self, inputs, params, ctx):
        check_scheme(params["url"])
        return {"data": OPEN_TABLE}

    def run(self, inputs, params, ctx):
        from designer.trust import require_trusted
        from . import ops_io
        from .values import Table
        require_trusted(self.type_id, ctx.title or self.title, params, self.trust_params, "URL")
        check_scheme(params["url"])
        with reported():
            df, final_url = ops_io.read_url(params["url"], params["format"],
                                            params["separator"], params["max_megabytes"],
                                            params["timeout_seconds"])
        ctx.log(f"Final URL: {final_url}\n{len(df)} row(s), {df.shape[1]} column(s)\n")
        return {"data": Table(df)}

    def emit(self, params, ctx):
        return (f"{ctx.out('data')}, _final_url = read_url({params['url']!r}, "
                f"format={params['format']!r}, separator={params['separator']!r}, "
                f"max_megabytes={params['max_megabytes']!r}, "
                f"timeout_seconds={params['timeout_seconds']!r})\n")

    def summary(self, params):
        return str(params.get("url", ""))


NODE_TYPES = [ImportFromWebUrl]
