Attribute VB_Name = "XlwingsBridge"
' Ops Tracker Toolkit: runs Python through the xlwings add-in.
' Source: workbooks/vba/XlwingsBridge.bas, built into the workbook by "make excel".
' Edit that file and rebuild; changes made in the VBA editor are lost at the next build.
'
' The workbook carries no copy of xlwings' own VBA code. It calls RunPython in the xlwings
' add-in (installed once per PC with: xlwings addin install) through Application.Run, so it
' needs no VBA reference to the add-in's file path and works with the installed xlwings version.
Option Explicit

Private Const XLWINGS_ADDIN As String = "xlwings.xlam"
Private Const ADDIN_MISSING_EN As String = "The xlwings add-in is not installed. Open a command prompt and run: xlwings addin install"
' The Chinese text as UTF-16 code units in hex: VBA stores its source in an 8-bit code page.
Private Const ADDIN_MISSING_ZH As String = "672A5B8988C500200078006C00770069006E00670073002052A08F7D987930028BF762535F00547D4EE463D0793A7B265E768FD0884CFF1A0078006C00770069006E0067007300200061006400640069006E00200069006E007300740061006C006C"

Public Sub RunPython(ByVal PythonCommand As String)
    If Not AddinIsOpen() Then
        MsgBox ADDIN_MISSING_EN & vbCrLf & vbCrLf & FromUtf16Hex(ADDIN_MISSING_ZH), vbExclamation, "Ops Tracker Toolkit"
        Exit Sub
    End If
    Application.Run "'" & XLWINGS_ADDIN & "'!RunPython", PythonCommand
End Sub

Private Function AddinIsOpen() As Boolean
    Dim book As Workbook
    On Error Resume Next
    Set book = Workbooks(XLWINGS_ADDIN)
    On Error GoTo 0
    AddinIsOpen = Not book Is Nothing
End Function

Private Function FromUtf16Hex(ByVal hexText As String) As String
    Dim i As Long
    Dim result As String
    For i = 1 To Len(hexText) Step 4
        result = result & ChrW(CLng("&H" & Mid$(hexText, i, 4)))
    Next i
    FromUtf16Hex = result
End Function
