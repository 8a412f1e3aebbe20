from django.contrib.auth.models import AbstractUser
from django.db import models


class Role(models.TextChoices):
    CUSTOMER = "CUSTOMER", "Customer (household or enterprise user)"
    STAFF = "STAFF", "Sales staff"
    ADMINISTRATOR = "ADMINISTRATOR", "Retailer administrator"
    COOP_MANAGER = "COOP_MANAGER", "Cooperative manager"
    PARTNER = "PARTNER", "Partner (API client)"
    OPERATOR = "OPERATOR", "Platform operator"


class User(AbstractUser):
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.CUSTOMER)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(role__in=Role.values), name="user_role_valid"
            ),
        ]
