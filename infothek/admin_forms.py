"""Forms of the Infothek admin: the upload of a file to download."""

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from .exceptions import InfothekError
from .models import Download
from .uploads import file_kind


class DownloadForm(forms.ModelForm):
    """The file's type is read from its content (uploads.file_kind), never from its name; the
    stored name is random (the model's upload_to) with the suffix of the type found."""

    class Meta:
        model = Download
        fields = ["title", "file"]
        help_texts = {
            "file": _(
                "PDF, Word (DOCX) or OpenDocument text (ODT). The file is checked by its "
                "content and stored under a random name."
            )
        }

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if not isinstance(upload, UploadedFile):
            return upload  # unchanged: the file already stored
        try:
            kind = file_kind(upload)
        except InfothekError as error:
            raise forms.ValidationError(error.message, code="file_type") from error
        upload.name = f"download.{kind}"  # only the suffix reaches the stored name
        self.instance.kind = kind
        self.instance.size = upload.size
        return upload
