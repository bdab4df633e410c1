// Project file schema: the tables of each version and the migration steps between versions.
// docs/project_file.md describes the tables; a new version appends one step to kMigrations in
// schema.cpp and bumps nothing else.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "qwb/status.h"
#include "store/db.h"

namespace qwb::store {

// PRAGMA application_id of every project file: "QWB1" in ASCII.
constexpr uint32_t kApplicationId = 0x51574231;

// What runs record as their tool version: "0.1.0+<git commit>".
std::string tool_version();

// The schema version this build writes (the last migration's target).
int current_schema_version();

// Whether a database holding these tables is a project (for files whose header lacks the
// application id).
bool has_project_tables(const std::vector<std::string>& table_names);

// Brings the schema from its PRAGMA user_version to current_schema_version() in one write
// transaction (a fresh file is version 0). Re-reads the version under the write lock, so two
// processes opening an old file at once migrate it once. A newer version is an error.
Status migrate(Db& db);

}  // namespace qwb::store
