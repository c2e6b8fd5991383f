//! Multilayer perceptrons with hand-written backpropagation (being written).
