"""Run the report's clinic survey locally: questionnaire → responses (read, validate) → tally → pages."""
