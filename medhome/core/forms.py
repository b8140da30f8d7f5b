from django.core.exceptions import ValidationError
from django.forms import BaseForm


def attach_errors(form: BaseForm, error: ValidationError) -> None:
    """Show a service's ValidationError on the form field it names (or on the whole form)."""
    if hasattr(error, "error_dict"):
        for field, messages in error.message_dict.items():
            form.add_error(field if field in form.fields else None, messages)
    else:
        form.add_error(None, error.messages)
