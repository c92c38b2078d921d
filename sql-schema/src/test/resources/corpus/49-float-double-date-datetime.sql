-- case: float to double and date to datetime widen
-- @@ current
CREATE TABLE `t` (`f` float, `d` date);
-- @@ desired
CREATE TABLE `t` (`f` double, `d` datetime);
-- @@ plan
ALTER TABLE `t`
  MODIFY COLUMN `f` double NULL DEFAULT NULL,
  MODIFY COLUMN `d` datetime NULL DEFAULT NULL;
