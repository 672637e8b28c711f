"""Major decisions (重大决策事项前置法制审核): catalog and lifecycle 清单→动议→共识→报备→法制审核→闭环."""
