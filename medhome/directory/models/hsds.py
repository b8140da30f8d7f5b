"""The HSDS 3.0 tables, one model per table, columns named as in the standard.

Source: Open Referral HSDS 3.0 (hsds_schema/<table>.json; column order from
hsds_schema/datapackage.json), shared/docs/domain/interop-codes.md §6. Ids are the HSDS UUIDs.
Directory rows are public reference data shared by every practice, so they are not
practice-scoped.

References between tables are foreign keys without a database constraint: HSDS data in the
wild (the standard's own examples included) names records that are not in the same file, and
an import must keep those ids as they are to export them unchanged.
"""

import uuid
from typing import Any

from django.db import models


def loose_fk(to: str, *, related_name: str) -> Any:
    return models.ForeignKey(
        to,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name=related_name,
    )


class HsdsRecord(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)

    table: str = ""

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.table} {self.id}"


class Taxonomy(HsdsRecord):
    """HSDS `taxonomy` (hsds_schema/taxonomy.json)."""

    table = "taxonomy"

    name = models.TextField(blank=True, default="")
    description = models.TextField(blank=True, default="")
    uri = models.TextField(blank=True, default="")
    version = models.TextField(blank=True, default="")

    def __str__(self) -> str:
        return self.name or str(self.id)


class TaxonomyTerm(HsdsRecord):
    """HSDS `taxonomy_term` (hsds_schema/taxonomy_term.json)."""

    table = "taxonomy_term"

    code = models.TextField(blank=True, default="")
    name = models.TextField(blank=True, default="")
    description = models.TextField(blank=True, default="")
    parent = loose_fk("self", related_name="children")
    taxonomy_name = models.TextField(blank=True, default="")  # HSDS column `taxonomy`
    language = models.TextField(blank=True, default="")
    taxonomy = loose_fk("Taxonomy", related_name="terms")
    term_uri = models.TextField(blank=True, default="")

    def __str__(self) -> str:
        return self.name or str(self.id)


class Organization(HsdsRecord):
    """HSDS `organization` (hsds_schema/organization.json)."""

    table = "organization"

    name = models.TextField(blank=True, default="")
    alternate_name = models.TextField(blank=True, default="")
    description = models.TextField(blank=True, default="")
    email = models.TextField(blank=True, default="")
    website = models.TextField(blank=True, default="")
    tax_status = models.TextField(blank=True, default="")
    tax_id = models.TextField(blank=True, default="")
    year_incorporated = models.FloatField(null=True, blank=True)
    legal_status = models.TextField(blank=True, default="")
    logo = models.TextField(blank=True, default="")
    uri = models.TextField(blank=True, default="")
    parent_organization = loose_fk("self", related_name="children")

    def __str__(self) -> str:
        return self.name or str(self.id)


class OrganizationIdentifier(HsdsRecord):
    """HSDS `organization_identifier` (hsds_schema/organization_identifier.json)."""

    table = "organization_identifier"

    organization = loose_fk("Organization", related_name="organization_identifiers")
    identifier_scheme = models.TextField(blank=True, default="")
    identifier_type = models.TextField(blank=True, default="")
    identifier = models.TextField(blank=True, default="")


class Program(HsdsRecord):
    """HSDS `program` (hsds_schema/program.json)."""

    table = "program"

    organization = loose_fk("Organization", related_name="programs")
    name = models.TextField(blank=True, default="")
    alternate_name = models.TextField(blank=True, default="")
    description = models.TextField(blank=True, default="")

    def __str__(self) -> str:
        return self.name or str(self.id)


class Service(HsdsRecord):
    """HSDS `service` (hsds_schema/service.json)."""

    table = "service"

    organization = loose_fk("Organization", related_name="services")
    program = loose_fk("Program", related_name="services")
    name = models.TextField(blank=True, default="")
    alternate_name = models.TextField(blank=True, default="")
    description = models.TextField(blank=True, default="")
    url = models.TextField(blank=True, default="")
    email = models.TextField(blank=True, default="")
    status = models.TextField(blank=True, default="")
    interpretation_services = models.TextField(blank=True, default="")
    application_process = models.TextField(blank=True, default="")
    fees_description = models.TextField(blank=True, default="")
    wait_time = models.TextField(blank=True, default="")
    fees = models.TextField(blank=True, default="")
    accreditations = models.TextField(blank=True, default="")
    eligibility_description = models.TextField(blank=True, default="")
    minimum_age = models.FloatField(null=True, blank=True)
    maximum_age = models.FloatField(null=True, blank=True)
    assured_date = models.DateField(null=True, blank=True)
    assurer_email = models.TextField(blank=True, default="")
    licenses = models.TextField(blank=True, default="")
    alert = models.TextField(blank=True, default="")
    last_modified = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            # The Open Referral API's /services?modified_after=… over active services.
            models.Index(fields=["status", "last_modified"], name="dir_service_modified_idx"),
        ]

    def __str__(self) -> str:
        return self.name or str(self.id)


class Location(HsdsRecord):
    """HSDS `location` (hsds_schema/location.json)."""

    table = "location"

    location_type = models.TextField(blank=True, default="")
    url = models.TextField(blank=True, default="")
    organization = loose_fk("Organization", related_name="locations")
    name = models.TextField(blank=True, default="")
    alternate_name = models.TextField(blank=True, default="")
    description = models.TextField(blank=True, default="")
    transportation = models.TextField(blank=True, default="")
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    external_identifier = models.TextField(blank=True, default="")
    external_identifier_type = models.TextField(blank=True, default="")

    def __str__(self) -> str:
        return self.name or str(self.id)


class ServiceAtLocation(HsdsRecord):
    """HSDS `service_at_location` (hsds_schema/service_at_location.json)."""

    table = "service_at_location"

    service = loose_fk("Service", related_name="service_at_locations")
    location = loose_fk("Location", related_name="service_at_locations")
    description = models.TextField(blank=True, default="")


class Address(HsdsRecord):
    """HSDS `address` (hsds_schema/address.json)."""

    table = "address"

    location = loose_fk("Location", related_name="addresses")
    attention = models.TextField(blank=True, default="")
    address_1 = models.TextField(blank=True, default="")
    address_2 = models.TextField(blank=True, default="")
    city = models.TextField(blank=True, default="")
    region = models.TextField(blank=True, default="")
    state_province = models.TextField(blank=True, default="")
    postal_code = models.TextField(blank=True, default="")
    country = models.TextField(blank=True, default="")
    address_type = models.TextField(blank=True, default="")


class Phone(HsdsRecord):
    """HSDS `phone` (hsds_schema/phone.json)."""

    table = "phone"

    location = loose_fk("Location", related_name="phones")
    service = loose_fk("Service", related_name="phones")
    organization = loose_fk("Organization", related_name="phones")
    contact = loose_fk("Contact", related_name="phones")
    service_at_location = loose_fk("ServiceAtLocation", related_name="phones")
    number = models.TextField(blank=True, default="")
    extension = models.FloatField(null=True, blank=True)
    type = models.TextField(blank=True, default="")
    description = models.TextField(blank=True, default="")


class Contact(HsdsRecord):
    """HSDS `contact` (hsds_schema/contact.json)."""

    table = "contact"

    organization = loose_fk("Organization", related_name="contacts")
    service = loose_fk("Service", related_name="contacts")
    service_at_location = loose_fk("ServiceAtLocation", related_name="contacts")
    location = loose_fk("Location", related_name="contacts")
    name = models.TextField(blank=True, default="")
    title = models.TextField(blank=True, default="")
    department = models.TextField(blank=True, default="")
    email = models.TextField(blank=True, default="")

    def __str__(self) -> str:
        return self.name or str(self.id)


class Schedule(HsdsRecord):
    """HSDS `schedule` (hsds_schema/schedule.json)."""

    table = "schedule"

    service = loose_fk("Service", related_name="schedules")
    location = loose_fk("Location", related_name="schedules")
    service_at_location = loose_fk("ServiceAtLocation", related_name="schedules")
    valid_from = models.DateField(null=True, blank=True)
    valid_to = models.DateField(null=True, blank=True)
    dtstart = models.DateField(null=True, blank=True)
    timezone = models.FloatField(null=True, blank=True)
    until = models.DateField(null=True, blank=True)
    count = models.FloatField(null=True, blank=True)
    wkst = models.TextField(blank=True, default="")
    freq = models.TextField(blank=True, default="")
    interval = models.FloatField(null=True, blank=True)
    byday = models.TextField(blank=True, default="")
    byweekno = models.TextField(blank=True, default="")
    bymonthday = models.TextField(blank=True, default="")
    byyearday = models.TextField(blank=True, default="")
    description = models.TextField(blank=True, default="")
    opens_at = models.TimeField(null=True, blank=True)
    closes_at = models.TimeField(null=True, blank=True)
    schedule_link = models.TextField(blank=True, default="")
    attending_type = models.TextField(blank=True, default="")
    notes = models.TextField(blank=True, default="")


class Language(HsdsRecord):
    """HSDS `language` (hsds_schema/language.json)."""

    table = "language"

    service = loose_fk("Service", related_name="languages")
    location = loose_fk("Location", related_name="languages")
    phone = loose_fk("Phone", related_name="languages")
    name = models.TextField(blank=True, default="")
    code = models.TextField(blank=True, default="")
    note = models.TextField(blank=True, default="")

    def __str__(self) -> str:
        return self.name or str(self.id)


class CostOption(HsdsRecord):
    """HSDS `cost_option` (hsds_schema/cost_option.json)."""

    table = "cost_option"

    service = loose_fk("Service", related_name="cost_options")
    valid_from = models.DateField(null=True, blank=True)
    valid_to = models.DateField(null=True, blank=True)
    option = models.TextField(blank=True, default="")
    currency = models.TextField(blank=True, default="")
    amount = models.FloatField(null=True, blank=True)
    amount_description = models.TextField(blank=True, default="")


class RequiredDocument(HsdsRecord):
    """HSDS `required_document` (hsds_schema/required_document.json)."""

    table = "required_document"

    service = loose_fk("Service", related_name="required_documents")
    document = models.TextField(blank=True, default="")
    uri = models.TextField(blank=True, default="")


class ServiceArea(HsdsRecord):
    """HSDS `service_area` (hsds_schema/service_area.json)."""

    table = "service_area"

    service = loose_fk("Service", related_name="service_areas")
    name = models.TextField(blank=True, default="")
    description = models.TextField(blank=True, default="")
    extent = models.TextField(blank=True, default="")
    extent_type = models.TextField(blank=True, default="")
    uri = models.TextField(blank=True, default="")

    def __str__(self) -> str:
        return self.name or str(self.id)


class Funding(HsdsRecord):
    """HSDS `funding` (hsds_schema/funding.json)."""

    table = "funding"

    organization = loose_fk("Organization", related_name="funding")
    service = loose_fk("Service", related_name="funding")
    source = models.TextField(blank=True, default="")


class Accessibility(HsdsRecord):
    """HSDS `accessibility` (hsds_schema/accessibility.json)."""

    table = "accessibility"

    location = loose_fk("Location", related_name="accessibility")
    description = models.TextField(blank=True, default="")
    details = models.TextField(blank=True, default="")
    url = models.TextField(blank=True, default="")


class Attribute(HsdsRecord):
    """HSDS `attribute` (hsds_schema/attribute.json)."""

    table = "attribute"

    link_id = models.UUIDField(null=True, blank=True, db_index=True)
    taxonomy_term = loose_fk("TaxonomyTerm", related_name="attributes")
    link_type = models.TextField(blank=True, default="")
    link_entity = models.TextField(blank=True, default="")
    value = models.TextField(blank=True, default="")

    class Meta:
        indexes = [
            # The Open Referral API's taxonomy_term_id filter: which records carry a term.
            models.Index(fields=["taxonomy_term", "link_id"], name="dir_attribute_term_link_idx"),
        ]


class Metadata(HsdsRecord):
    """HSDS `metadata` (hsds_schema/metadata.json)."""

    table = "metadata"

    resource_id = models.UUIDField(null=True, blank=True, db_index=True)
    resource_type = models.TextField(blank=True, default="")
    last_action_date = models.DateField(null=True, blank=True)
    last_action_type = models.TextField(blank=True, default="")
    field_name = models.TextField(blank=True, default="")
    previous_value = models.TextField(blank=True, default="")
    replacement_value = models.TextField(blank=True, default="")
    updated_by = models.TextField(blank=True, default="")


class MetaTableDescription(HsdsRecord):
    """HSDS `meta_table_description` (hsds_schema/meta_table_description.json)."""

    table = "meta_table_description"

    name = models.TextField(blank=True, default="")
    language = models.TextField(blank=True, default="")
    character_set = models.TextField(blank=True, default="")

    def __str__(self) -> str:
        return self.name or str(self.id)
