"""Posting admin change forms back as a browser would (the form and its inlines)."""


def admin_post_data(response) -> dict:
    """The change form as the browser would post it back unchanged (form and inlines)."""

    def posted(value):
        if value is None:
            return ""
        if isinstance(value, list | tuple):
            return ",".join(str(v) for v in value)
        return value

    form = response.context["adminform"].form
    data = {name: posted(form[name].value()) for name in form.fields}
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        management = formset.management_form
        data.update({management.add_prefix(n): management[n].value()
                     for n in management.fields})
        for row in formset.forms:
            data.update({row.add_prefix(n): posted(row[n].value()) for n in row.fields})
    return {k: v for k, v in data.items() if v is not False}
