"""The criteria model: what a criteria file may say, validated, and its cross-field checks."""
