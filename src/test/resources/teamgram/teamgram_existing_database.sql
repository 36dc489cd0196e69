-- A database as Teamgram leaves it (teamgramd/deploy/sql/1_teamgram.sql is a phpMyAdmin dump:
-- tables first, keys and AUTO_INCREMENT added by ALTER TABLE afterwards), reduced to the three
-- auth tables mtgate shares plus two of Teamgram's other tables, so the schema is not empty and
-- holds tables mtgate must leave alone. Column names, types, defaults and keys follow
-- ../shared/reference/teamgram.md. No Flyway history table: Teamgram does not use Flyway.

CREATE TABLE `auths` (
  `id` bigint(20) NOT NULL,
  `auth_key_id` bigint(20) NOT NULL,
  `layer` int(11) NOT NULL DEFAULT '0',
  `api_id` int(11) NOT NULL,
  `device_model` varchar(255) COLLATE utf8mb4_unicode_ci NOT NULL DEFAULT '',
  `system_version` varchar(255) COLLATE utf8mb4_unicode_ci NOT NULL DEFAULT '',
  `app_version` varchar(255) COLLATE utf8mb4_unicode_ci NOT NULL DEFAULT '',
  `system_lang_code` varchar(255) COLLATE utf8mb4_unicode_ci NOT NULL DEFAULT '',
  `lang_pack` varchar(255) COLLATE utf8mb4_unicode_ci NOT NULL DEFAULT '',
  `lang_code` varchar(255) COLLATE utf8mb4_unicode_ci NOT NULL DEFAULT '',
  `system_code` varchar(256) COLLATE utf8mb4_unicode_ci NOT NULL DEFAULT '',
  `proxy` varchar(512) COLLATE utf8mb4_unicode_ci NOT NULL DEFAULT '',
  `params` json NOT NULL,
  `client_ip` varchar(32) COLLATE utf8mb4_unicode_ci NOT NULL DEFAULT '',
  `date_active` bigint(20) NOT NULL DEFAULT '0',
  `deleted` tinyint(1) NOT NULL DEFAULT '0',
  `created_at` timestamp NOT NULL DEFAULT CURRENT_TIMESTAMP,
  `updated_at` timestamp NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE `auth_keys` (
  `id` bigint(20) NOT NULL,
  `auth_key_id` bigint(20) NOT NULL,
  `body` varchar(512) COLLATE utf8mb4_unicode_ci NOT NULL,
  `deleted` tinyint(1) NOT NULL DEFAULT '0',
  `created_at` timestamp NOT NULL DEFAULT CURRENT_TIMESTAMP
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE `auth_key_infos` (
  `id` bigint(20) NOT NULL,
  `auth_key_id` bigint(20) NOT NULL,
  `auth_key_type` int(11) NOT NULL,
  `perm_auth_key_id` bigint(20) NOT NULL DEFAULT '0',
  `temp_auth_key_id` bigint(20) NOT NULL DEFAULT '0',
  `media_temp_auth_key_id` bigint(20) NOT NULL DEFAULT '0',
  `deleted` tinyint(1) NOT NULL DEFAULT '0',
  `created_at` timestamp NOT NULL DEFAULT CURRENT_TIMESTAMP,
  `updated_at` timestamp NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE `auth_users` (
  `id` bigint(20) NOT NULL,
  `auth_key_id` bigint(20) NOT NULL,
  `user_id` bigint(20) NOT NULL DEFAULT '0',
  `hash` bigint(20) NOT NULL DEFAULT '0',
  `deleted` tinyint(1) NOT NULL DEFAULT '0',
  `created_at` timestamp NOT NULL DEFAULT CURRENT_TIMESTAMP
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE `devices` (
  `id` bigint(20) NOT NULL,
  `auth_key_id` bigint(20) NOT NULL,
  `user_id` bigint(20) NOT NULL,
  `token_type` int(11) NOT NULL,
  `token` varchar(512) COLLATE utf8mb4_unicode_ci NOT NULL,
  `state` tinyint(4) NOT NULL DEFAULT '0',
  `created_at` timestamp NOT NULL DEFAULT CURRENT_TIMESTAMP
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

ALTER TABLE `auths` ADD PRIMARY KEY (`id`), ADD UNIQUE KEY `auth_key_id` (`auth_key_id`);
ALTER TABLE `auth_keys` ADD PRIMARY KEY (`id`), ADD UNIQUE KEY `auth_key_id` (`auth_key_id`);
ALTER TABLE `auth_key_infos` ADD PRIMARY KEY (`id`), ADD UNIQUE KEY `auth_key_id` (`auth_key_id`);
ALTER TABLE `auth_users` ADD PRIMARY KEY (`id`), ADD UNIQUE KEY `auth_key_id` (`auth_key_id`, `user_id`);
ALTER TABLE `devices` ADD PRIMARY KEY (`id`);

ALTER TABLE `auths` MODIFY `id` bigint(20) NOT NULL AUTO_INCREMENT;
ALTER TABLE `auth_keys` MODIFY `id` bigint(20) NOT NULL AUTO_INCREMENT;
ALTER TABLE `auth_key_infos` MODIFY `id` bigint(20) NOT NULL AUTO_INCREMENT;
ALTER TABLE `auth_users` MODIFY `id` bigint(20) NOT NULL AUTO_INCREMENT;
ALTER TABLE `devices` MODIFY `id` bigint(20) NOT NULL AUTO_INCREMENT;
