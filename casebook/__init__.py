"""在宅医療連携モデル 事例集: data pipeline and static-site builder."""
