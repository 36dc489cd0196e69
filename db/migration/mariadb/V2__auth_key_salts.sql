-- mtgate's own table (not Teamgram's): server salts of permanent keys.
-- valid_since / valid_until are unix seconds (valid_since inclusive, valid_until exclusive):
-- no time-zone conversion and no 2038 limit. Salts of temporary keys are never stored here.
CREATE TABLE IF NOT EXISTS `auth_key_salts` (
  `id` bigint(20) NOT NULL AUTO_INCREMENT,
  `auth_key_id` bigint(20) NOT NULL,
  `salt` bigint(20) NOT NULL,
  `valid_since` bigint(20) NOT NULL,
  `valid_until` bigint(20) NOT NULL,
  `created_at` timestamp NOT NULL DEFAULT CURRENT_TIMESTAMP,
  PRIMARY KEY (`id`),
  UNIQUE KEY `auth_key_id_salt` (`auth_key_id`, `salt`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
