from django import template

register = template.Library()


@register.filter
def get_item(mapping, key):
    """`mapping[key]` in a template, or None when it is missing."""
    return mapping.get(key) if hasattr(mapping, "get") else None


@register.filter
def signed(number):
    """A change as +2, -1 or 0."""
    return f"+{number}" if number > 0 else str(number)
