-- Schema 9: every inbound text and call checks whether its sender is a
-- teammate's own phone (the loop guard); without an index that was a scan of
-- all teammates per webhook.
CREATE INDEX teammates_physical_number ON teammates(physical_number) WHERE physical_number IS NOT NULL;
