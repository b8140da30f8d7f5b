"""Search columns kept beside the HSDS tables, rebuilt by search_index.refresh() on import.

One ServiceSearch row per service at a location (or per service with no location), so that
search filters in SQL on plain indexed columns instead of walking attributes, languages and
schedules per request.
"""

from django.db import models

from .hsds import Address, Location, Organization, Service, ServiceAtLocation


class ServiceSearch(models.Model):
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="search_rows")
    service_at_location = models.ForeignKey(
        ServiceAtLocation, on_delete=models.CASCADE, null=True, related_name="+"
    )
    # Set only when the referenced rows exist (HSDS references may dangle).
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, null=True, related_name="+"
    )
    location = models.ForeignKey(Location, on_delete=models.CASCADE, null=True, related_name="+")
    address = models.ForeignKey(Address, on_delete=models.SET_NULL, null=True, related_name="+")
    name = models.TextField()
    zip_code = models.CharField(max_length=5, blank=True)
    # The location's own coordinates, else its ZIP centroid (geo.zip_centroid).
    latitude = models.FloatField(null=True)
    longitude = models.FloatField(null=True)
    minimum_age = models.FloatField(null=True)
    maximum_age = models.FloatField(null=True)
    free_or_low_cost = models.BooleanField(default=False)
    # Display copies of the filter rows below, comma-joined.
    needs = models.TextField(blank=True)
    languages = models.TextField(blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["latitude", "longitude"], name="dir_search_latlong_idx"),
            models.Index(fields=["name"], name="dir_search_name_idx"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def language_codes(self) -> list[str]:
        return [code for code in self.languages.split(",") if code]

    @property
    def need_codes(self) -> list[str]:
        return [code for code in self.needs.split(",") if code]


class SearchNeed(models.Model):
    search = models.ForeignKey(ServiceSearch, on_delete=models.CASCADE, related_name="need_rows")
    need = models.CharField(max_length=40)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["need", "search"], name="dir_searchneed_unique")
        ]

    def __str__(self) -> str:
        return self.need


class SearchLanguage(models.Model):
    search = models.ForeignKey(
        ServiceSearch, on_delete=models.CASCADE, related_name="language_rows"
    )
    code = models.CharField(max_length=12)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["code", "search"], name="dir_searchlanguage_unique")
        ]

    def __str__(self) -> str:
        return self.code


class SearchHours(models.Model):
    """One weekly opening interval in the deployment's time zone (settings.TIME_ZONE).

    Minutes from local midnight, closes exclusive; an interval past midnight is stored as two
    rows. valid_from/valid_to come from the HSDS schedule (hsds_schema/schedule.json).
    """

    search = models.ForeignKey(ServiceSearch, on_delete=models.CASCADE, related_name="hours")
    weekday = models.PositiveSmallIntegerField()  # 0 = Monday, as datetime.weekday()
    opens = models.PositiveSmallIntegerField()
    closes = models.PositiveSmallIntegerField()
    valid_from = models.DateField(null=True)
    valid_to = models.DateField(null=True)

    class Meta:
        indexes = [
            models.Index(
                fields=["search", "weekday", "opens", "closes"], name="dir_hours_lookup_idx"
            )
        ]

    def __str__(self) -> str:
        return f"{self.weekday} {self.opens}-{self.closes}"
