// The doc-comment and definition conventions of one language (see
// LanguageConventions in language_registry.h).
#pragma once

#include <string_view>

#include "indexer/language_registry.h"

namespace cs {

LanguageConventions languageConventions(std::string_view language);

}  // namespace cs
