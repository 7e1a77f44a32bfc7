-- TT 04/2025/TT-VPCP Điều 23 (issue 14 item 4): a procedure marked as a nationwide centralised
-- service has its dossiers coded MX1X2.Y1Y2Y3.Z1Z2-YYMMDD-AAXXXX, the deciding agency's electronic
-- ID of that structure first. Agencies record that ID when they have one; none is derived.
ALTER TABLE procedures ADD COLUMN nationwide_centralised BOOLEAN NOT NULL DEFAULT 0;
ALTER TABLE agencies ADD COLUMN electronic_id TEXT;
