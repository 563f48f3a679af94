"""A font that has the Chinese glyphs, for the charts' names and titles.

Matplotlib's own DejaVu Sans has no Chinese: 张三 would come out as empty boxes. The
project depends on ``pylopdf-fonts-zh-cn``, a wheel that ships Noto Sans SC (SIL OFL), so
the font installs with the package on any machine; Debian's Noto CJK or WenQuanYi fonts
are used if that package is missing. The font is registered with matplotlib's font
manager the first time a chart is drawn (nothing happens at import time).
"""

from __future__ import annotations

import threading
from functools import cache
from pathlib import Path

#: Debian's packages, in order of preference (fonts-noto-cjk, fonts-wqy-microhei/zenhei).
SYSTEM_FONTS = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJKsc-Regular.otf",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
)

_lock = threading.Lock()


class NoChineseFont(RuntimeError):
    """No font with Chinese glyphs is installed: reinstall the package's dependencies."""


def cjk_font_path() -> Path:
    """The file of a font with Chinese glyphs (the packaged Noto Sans SC first)."""
    try:
        import pylopdf_fonts_zh_cn

        packaged = Path(pylopdf_fonts_zh_cn.sans_path())
        if packaged.is_file():
            return packaged
    except ImportError:
        pass
    for candidate in SYSTEM_FONTS:
        if Path(candidate).is_file():
            return Path(candidate)
    raise NoChineseFont(
        "no Chinese font: `pip install pylopdf-fonts-zh-cn` (a dependency of cadrebot) "
        "or `apt-get install fonts-noto-cjk`"
    )


@cache
def _registered(path: str) -> str:
    from matplotlib import font_manager

    with _lock:
        font_manager.fontManager.addfont(path)
    return font_manager.FontProperties(fname=path).get_name()


def cjk_family() -> tuple[Path, str]:
    """Register the Chinese font with matplotlib once; returns its file and family name."""
    path = cjk_font_path()
    return path, _registered(str(path))
