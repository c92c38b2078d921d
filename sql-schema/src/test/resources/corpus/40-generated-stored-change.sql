-- case: a stored generated column's expression changes: regenerated
-- @@ current
CREATE TABLE `t` (`a` int, `b` int, `s` int GENERATED ALWAYS AS (`a` + `b`) STORED);
-- @@ desired
CREATE TABLE `t` (`a` int, `b` int, `s` int GENERATED ALWAYS AS (a * b) STORED);
-- @@ plan
ALTER TABLE `t`
  DROP COLUMN `s`,
  ADD COLUMN `s` int GENERATED ALWAYS AS (`a` * `b`) STORED AFTER `b`;
