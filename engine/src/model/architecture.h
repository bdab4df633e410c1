// Architecture family detection from graph patterns.
#pragma once

#include <string>

#include "qwb/model.h"

namespace qwb {

struct ArchitectureGuess {
  std::string family;  // cnn | transformer | rnn | mlp | other
  std::string reason;
};

ArchitectureGuess detect_architecture(const Graph& graph);

}  // namespace qwb
