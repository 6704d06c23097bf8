//! What the RDS modules share: not-found codes, tags by ARN, and the component ids they resolve.
