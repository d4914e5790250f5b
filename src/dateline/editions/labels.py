"""The public site's interface words per language.

A plain table rather than gettext catalogues: two editions and a few dozen words do not yet
justify a .po/.mo toolchain (docs/decisions/0005-interface-labels.md says when to switch).
"""

LABELS: dict[str, dict[str, str]] = {
    "en": {
        "follow_us_on": "Follow us on",
        "related_news": "Related News",
        "latest_news": "Latest news",
        "sections": "Sections",
        "tags": "Tags",
        "section": "Section",
        "published": "Published",
        "your_comment": "Your Comment",
        "comments_soon": "Reader comments will appear here.",
        "newer": "Newer",
        "older": "Older",
        "page": "Page",
        "of": "of",
        "not_found_title": "Page not found",
        "not_found_text": "The page you asked for is not here. It may have moved or been removed.",
        "server_error_title": "Something went wrong",
        "server_error_text": "We could not show this page. Please try again in a moment.",
        "home": "Home",
        "skip_to_content": "Skip to content",
        "tagged": "Stories tagged",
        "no_stories": "No stories yet.",
        "editions": "Editions",
        "front_description": "The latest news from {edition}, as it happens.",
        "section_description": "{section}: the latest news from {edition}.",
        "tag_description": "News tagged {tag}, from {edition}.",
        "updated": "Updated",
        "corrections": "Corrections",
        "correction_on": "Correction, {date}:",
        "withdrawn_title": "This story has been withdrawn",
        "withdrawn_text": "It was withdrawn on {date} and is no longer available.",
    },
    "fa": {
        "follow_us_on": "ما را دنبال کنید در",
        "related_news": "اخبار مرتبط",
        "latest_news": "آخرین اخبار",
        "sections": "بخش‌ها",
        "tags": "برچسب‌ها",
        "section": "بخش",
        "published": "منتشر شده",
        "your_comment": "نظر شما",
        "comments_soon": "نظرات خوانندگان اینجا نمایش داده می‌شود.",
        "newer": "جدیدتر",
        "older": "قدیمی‌تر",
        "page": "صفحه",
        "of": "از",
        "not_found_title": "صفحه پیدا نشد",
        "not_found_text": "صفحه‌ای که خواستید اینجا نیست. شاید جابه‌جا یا حذف شده باشد.",
        "server_error_title": "خطایی رخ داد",
        "server_error_text": "نمایش این صفحه ممکن نشد. لطفاً کمی بعد دوباره تلاش کنید.",
        "home": "خانه",
        "skip_to_content": "رفتن به محتوا",
        "tagged": "اخبار با برچسب",
        "no_stories": "هنوز خبری نیست.",
        "editions": "نسخه‌ها",
        "front_description": "آخرین اخبار {edition}، همزمان با رخدادها.",
        "section_description": "{section}: آخرین اخبار {edition}.",
        "tag_description": "اخبار با برچسب {tag}، از {edition}.",
        "updated": "به‌روزرسانی",
        "corrections": "اصلاحیه‌ها",
        "correction_on": "اصلاحیه، {date}:",
        "withdrawn_title": "این خبر پس گرفته شده است",
        "withdrawn_text": "این خبر در {date} پس گرفته شد و دیگر در دسترس نیست.",
    },
}


def labels_for(language: str) -> dict[str, str]:
    """The labels for a language tag ('fa', 'fa-IR'), falling back to English."""
    return LABELS.get(language.split("-")[0].lower(), LABELS["en"])
