-- Version 7: the county reads a relief case by the number printed on its 审批表 (issue 15 gave each
-- case the county's case number: division code + year + sequence). The runner fills the read
-- tables again from the records already on the server.
ALTER TABLE read_relief_case ADD COLUMN case_no TEXT;
CREATE INDEX read_relief_case_no ON read_relief_case(case_no);
