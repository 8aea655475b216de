"""The party's message: talking points that posts carry (training modules come later)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from itcell.core.models import TimeStampedModel
from itcell.elections.models import Election


class TalkingPoint(TimeStampedModel):
    election = models.ForeignKey(Election, on_delete=models.CASCADE, related_name="talking_points")
    title_en = models.CharField(_("title (English)"), max_length=200)
    title_hi = models.CharField(_("title (Hindi)"), max_length=200, blank=True)
    summary_en = models.TextField(_("summary (English)"), blank=True)
    summary_hi = models.TextField(_("summary (Hindi)"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["title_en"]
        verbose_name = _("talking point")
        verbose_name_plural = _("talking points")

    def __str__(self) -> str:
        return self.title_en
