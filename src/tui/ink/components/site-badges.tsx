// The header's badges: one per site, with its lifecycle machine's state.
import { Box, Text } from 'ink';
import type { SiteBadge } from '../../progress/model.js';
import { toneProps } from '../theme.js';

export interface SiteBadgesProps {
  readonly sites: readonly SiteBadge[];
  readonly color: boolean;
}

export function SiteBadges({ sites, color }: SiteBadgesProps) {
  if (sites.length === 0) return null;
  return (
    <Box gap={1} flexWrap="wrap">
      {sites.map((s) => (
        <Text key={s.site} {...toneProps(color, s.tone)} inverse={color}>
          {color ? ` ${s.site}: ${s.state} ` : `[${s.site}: ${s.state}]`}
        </Text>
      ))}
    </Box>
  );
}
