"""When a run counts as diverged, and what the learner is told.

A run diverges when a step's loss or the parameters become non-finite (the trainer puts back
the parameters from before the update that broke them), when a weight matrix's norm passes
`MAX_WEIGHT_NORM`, or when the training data loss stays above `BLOWUP_FACTOR` times its
starting value for `BLOWUP_EPOCHS` epochs in a row (a stable loss such as BCE on logits
stays finite while it explodes). The message is written when it is read, so it stays true
when the learning rate changes afterwards.
"""
MAX_WEIGHT_NORM = 1e6
BLOWUP_FACTOR = 2.0
BLOWUP_EPOCHS = 3


class Divergence:
    """The watch over one run: `start_loss` (the data loss at epoch 0), the count of epochs
    in a row above the blow-up line, and `cause` (None, or what happened, when and at which
    learning rate)."""

    def __init__(self, start_loss):
        self.start_loss = float(start_loss)
        self.blowup_epochs = 0
        self.cause = None

    @property
    def diverged(self):
        return self.cause is not None

    def check(self, row):
        """What went wrong in the epoch of history row `row`, or None (counts blow-ups)."""
        if row["epoch"] == 0:
            return None
        if max(row["weight_norm"], default=0.0) > MAX_WEIGHT_NORM:
            return f"the weights grew past {MAX_WEIGHT_NORM:.0e} by epoch {row['epoch']}"
        data_loss = row["train_loss"] - row["train_penalty"]
        self.blowup_epochs = self.blowup_epochs + 1 if (
            data_loss > BLOWUP_FACTOR * self.start_loss) else 0
        if self.blowup_epochs >= BLOWUP_EPOCHS:
            return (f"the training loss ({data_loss:.3g}) has stayed above "
                    f"{BLOWUP_FACTOR:g}x its starting value ({self.start_loss:.3g}) for "
                    f"{BLOWUP_EPOCHS} epochs")
        return None

    def trip(self, what, lr, lr_setting):
        """Mark the run diverged: `what` happened at rate `lr` (the schedule's, in force)
        with the learning-rate setting `lr_setting`."""
        self.cause = {"what": what, "lr": float(lr), "lr_setting": float(lr_setting)}

    def message(self, lr_setting):
        """The sentence for the learner, given the learning-rate setting now (None if the
        run is healthy)."""
        if self.cause is None:
            return None
        what, lr = self.cause["what"], self.cause["lr"]
        if lr_setting == self.cause["lr_setting"]:
            return (f"Training diverged at learning rate {lr:g}: {what}. That rate is probably "
                    "too high for this network; lower it and press Reset.")
        return (f"Training diverged at learning rate {lr:g}: {what}. The learning rate is now "
                f"{lr_setting:g}: press Reset to start again with the current settings.")

    def state_dict(self):
        return {"start_loss": self.start_loss, "blowup_epochs": self.blowup_epochs,
                "cause": None if self.cause is None else dict(self.cause)}

    def load_state_dict(self, state):
        self.start_loss = float(state["start_loss"])
        self.blowup_epochs = int(state["blowup_epochs"])
        cause = state["cause"]
        self.cause = None if cause is None else {
            "what": str(cause["what"]), "lr": float(cause["lr"]),
            "lr_setting": float(cause["lr_setting"])}
