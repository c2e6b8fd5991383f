//! GAN and WGAN training loops (being written).
