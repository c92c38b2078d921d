-- case: an index dropped
-- @@ current
CREATE TABLE `t` (`a` int, `b` int, KEY `ix_a` (`a`), KEY `ix_b` (`b`));
-- @@ desired
CREATE TABLE `t` (`a` int, `b` int, KEY `ix_b` (`b`));
-- @@ plan
ALTER TABLE `t`
  DROP INDEX `ix_a`;
