"""English as the portal speaks it: British, day before month, 24-hour clock.

Django's "en" formats are American ("Nov. 26, 2026", "11/26/2026"); a German county's portal
writes "26 November 2026" and "26/11/2026" in English, weeks start on Monday.
"""

DATE_FORMAT = "j F Y"  # 26 November 2026
TIME_FORMAT = "H:i"  # 14:30
DATETIME_FORMAT = "j F Y, H:i"  # 26 November 2026, 14:30
YEAR_MONTH_FORMAT = "F Y"  # November 2026
MONTH_DAY_FORMAT = "j F"  # 26 November
SHORT_DATE_FORMAT = "d/m/Y"  # 26/11/2026
SHORT_DATETIME_FORMAT = "d/m/Y H:i"  # 26/11/2026 14:30
FIRST_DAY_OF_WEEK = 1  # Monday

# Input: day first; ISO (what <input type="date"> sends) and the German style are accepted too.
DATE_INPUT_FORMATS = [
    "%d/%m/%Y",  # 26/11/2026
    "%d/%m/%y",  # 26/11/26
    "%Y-%m-%d",  # 2026-11-26
    "%d.%m.%Y",  # 26.11.2026
    "%d %B %Y",  # 26 November 2026
]
TIME_INPUT_FORMATS = ["%H:%M", "%H:%M:%S", "%H:%M:%S.%f"]
DATETIME_INPUT_FORMATS = [
    "%d/%m/%Y %H:%M:%S",
    "%d/%m/%Y %H:%M:%S.%f",
    "%d/%m/%Y %H:%M",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M:%S.%f",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%dT%H:%M",
    "%d.%m.%Y %H:%M",
]
DECIMAL_SEPARATOR = "."
THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
