"""A list of 100,000 items with a counter, and votes unique per (item, voter)."""

from django.db import models


class Item(models.Model):
    title = models.CharField(max_length=200)
    summary = models.CharField(max_length=300)
    published_at = models.DateTimeField(db_index=True)
    votes = models.PositiveIntegerField(default=0)

    class Meta:
        db_table = "calib_item"

    def __str__(self):
        return self.title


class Vote(models.Model):
    item = models.ForeignKey(Item, on_delete=models.CASCADE)
    voter = models.BigIntegerField()

    class Meta:
        db_table = "calib_vote"
        constraints = [
            models.UniqueConstraint(fields=["item", "voter"], name="calib_vote_once")
        ]

    def __str__(self):
        return f"{self.item_id}:{self.voter}"
