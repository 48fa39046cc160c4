"""The `mipulse` command line and its checks before Prefect or Beam start."""
